"""The platform's streams, declared once.

Every service provisions the streams it produces into *and* the ones it consumes from
(`ensure_streams` is idempotent), so services can start in any order: a consumer never
waits for its producer to have run first.
"""

from datetime import timedelta

from guichet_kit.bus.subjects import StreamSpec

INTAKE_STREAM = StreamSpec.for_aggregates("INTAKE", ["report"])
# The last directory snapshot of each municipality, kept forever: a new consumer starts complete.
DIRECTORY_STREAM = StreamSpec.for_aggregates(
    "DIRECTORY", ["directory"], max_age=timedelta(0), max_msgs_per_subject=1
)
ROUTING_STREAM = StreamSpec.for_aggregates("ROUTING", ["routing"])
CASES_STREAM = StreamSpec.for_aggregates("CASES", ["case"])
