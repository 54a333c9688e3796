"""Cases born from routing's decisions (`routing.decided` v1)."""
