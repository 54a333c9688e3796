"""The reporter's side of a case: following it by tracking number (secret token or login),
its public timeline, and the reporter's own comments and photos."""
