"""Every number and rule the store enforces, each with its unit and reason, in one place.

Numbers use :class:`course.thresholds.Limit` (value, unit, why), like the self-check's
thresholds; the lengths of typed text use :class:`TextRule`.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.thresholds import Limit

DATA_DIR_SETTING = "HINGE_DATA_DIR"
"""Environment variable naming the folder for the SQLite database (created on first start).
Unset: ``platformdirs.user_data_dir("hip-hinge-course")``."""

DATABASE_URL_SETTING = "DATABASE_URL"
"""Environment variable naming a PostgreSQL database (``postgresql://user:pass@host/db``),
for several app servers sharing one database. Unset: the SQLite file in the data folder."""

APP_NAME = "hip-hinge-course"  # the folder name under the user's data directory
SQLITE_FILE_NAME = "course.sqlite3"

# --- accounts and signing in ------------------------------------------------------------------


@dataclass(frozen=True)
class TextRule:
    """How long a typed text may be, in characters (after trimming spaces at the ends)."""

    min_chars: int
    max_chars: int
    why: str


USERNAME = TextRule(
    3,
    40,
    "Short enough to type on a phone and to fit a dashboard column; 3 keeps initials like 'amy' "
    "possible. Letters a-z, digits, '.', '_' and '-' only, so look-alike letters from other "
    "alphabets can't pose as someone else; compared ignoring case.",
)
PASSWORD = TextRule(
    8,
    256,
    "8 is the shortest password NIST SP 800-63B allows a person to choose; length, not symbol "
    "rules, is what makes it hard to guess. 256 (NIST: at least 64) is longer than any password "
    "manager writes and stops a page from sending megabytes to the hash. Counted in characters "
    "after Unicode normalisation (NFKC), spaces and any other character allowed.",
)
PASSWORD_SUGGESTED_CHARS = Limit(
    12,
    "characters",
    "What the strength hint asks for (it refuses nothing): OWASP ASVS 2.1.1 asks for 12, and a "
    "few words in a row get there while staying easy to remember.",
)
PASSWORD_MIN_DISTINCT_CHARS = Limit(
    3,
    "different characters",
    "Fewer, and the password is a repetition such as eight spaces, 'aaaaaaaa' or 'abababab': "
    "NIST SP 800-63B refuses repetitive passwords, and these are tried first by anyone guessing.",
)
DISPLAY_NAME = TextRule(
    1,
    60,
    "The name trainers and members see: a full name with a nickname fits in 60, and it still "
    "fits one line of a dashboard on a phone. Stored exactly as typed.",
)
GROUP_TITLE = TextRule(1, 80, "A class name such as 'Tuesday 7 pm beginners' fits on one line.")
ASSIGNMENT_TITLE = TextRule(1, 120, "A homework title is one line in the member's list.")
ASSIGNMENT_NOTE = TextRule(0, 2000, "A few paragraphs of instructions; longer belongs in a lesson.")
FEEDBACK_TEXT = TextRule(1, 4000, "A coach's note on one self-check: a few paragraphs at most, read on a phone.")
REPLY_TEXT = TextRule(
    1,
    1000,
    "A reply under feedback is a question or an answer to one, not a second note: a paragraph or two on a phone.",
)
FEEDBACK_THREAD_REPLIES = Limit(
    20,
    "replies",
    "A short back-and-forth under one note; past this a conversation belongs in "
    "the gym, and a thread stays readable on a phone.",
)
LESSON_ID = TextRule(1, 80, "Lesson ids are short slugs from content/lessons (e.g. 'hip-hinge').")

PASSWORD_HASH = "Argon2id with argon2-cffi's defaults (RFC 9106's second recommended setting)"

# Throttling: growing waits, never a lock-out. Each wrong password is kept for FAILURE_MEMORY,
# under a hash of the username tried and of the client it came from. Past the free tries, the
# next try for that username (or from that client) must wait THROTTLE_FIRST_WAIT after the last
# failure, twice as long after each further one, never more than THROTTLE_LONGEST_WAIT; a wait
# refuses the try without looking at the password. A browser that has signed in to an account
# before (a known device) is not slowed by that username's or that network's failures, only by
# its own: whoever guesses at a username can slow the owner's new phone, never their usual one.
SIGN_IN_FREE_TRIES_PER_USERNAME = Limit(
    5, "failed tries", "Enough for a few typos and a forgotten caps lock before anything waits."
)
SIGN_IN_FREE_TRIES_PER_CLIENT = Limit(
    30,
    "failed tries",
    "Per network address (or known device): a gym's Wi-Fi puts a whole class behind one address, "
    "and their typos must not slow each other; one address guessing at many usernames is slowed "
    "after 30. Failures for a username that then signs in from that address are forgiven.",
)
THROTTLE_FIRST_WAIT = Limit(1, "s", "The wait after the free tries; it doubles with each further failure.")
THROTTLE_LONGEST_WAIT = Limit(
    15,
    "minutes",
    "The longest wait, reached after 10 more failures: at most 96 guesses a day at a username, "
    "hopeless against a password of 8 or more characters that is not a common one, and the owner "
    "on a new device waits at most this long while someone is guessing.",
)
FAILURE_MEMORY = Limit(
    24,
    "hours",
    "How long a failed try counts. Older ones are deleted at every sign-in, so a flood of made-up "
    "usernames leaves nothing behind by the next day.",
)
KNOWN_DEVICE_LIFETIME = Limit(
    180,
    "days",
    "How long a browser that signed in stays a known device for that account (the cookie's and "
    "the record's age): half a year of visits to the gym.",
)

SESSION_LIFETIME = Limit(
    12,
    "hours",
    "A sign-in lasts a gym day: from a morning lesson through an evening class. A phone left "
    "signed in at the gym stops being a way into the account by the next morning. Fixed from "
    "sign-in, not extended by use (NIST SP 800-63B 4.2.3 allows 12 hours at its second level).",
)
SESSION_IDLE_TIMEOUT = Limit(
    30,
    "minutes",
    "A sign-in unused for this long ends, whatever is left of its 12 hours: a phone put down "
    "in the changing room, or a stolen token nobody is using, stops working within half an hour. "
    "Longer than reading a lesson or filming a few sets between two clicks; NIST SP 800-63B 4.2.3 "
    "asks for 30 minutes at its second level.",
)
SESSION_TOUCH_INTERVAL = Limit(
    60,
    "s",
    "How stale a session's 'last used' time may get before a click writes it again: a burst of "
    "clicks costs one write a minute, not one each, and the idle timeout is a minute early at most.",
)
SESSION_TOKEN_BYTES = Limit(
    32,
    "bytes",
    "Random bytes in a session token (43 URL-safe characters): 256 bits can't be guessed. "
    "Only the token's SHA-256 is stored, so a copy of the database signs no one in.",
)

# --- getting back in without e-mail ------------------------------------------------------------

ACCESS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Reset and recovery codes use the join codes' alphabet: nothing in them can be misread."""
ACCESS_CODE_LENGTH = Limit(
    12,
    "characters",
    "31^12 is about 8 x 10^17 codes (59 bits): with the sign-in throttle in front of them, guessing "
    "one is hopeless. Shown in three groups of four; spaces, dashes and case are ignored when typed. "
    "Only each code's SHA-256 is stored.",
)
RESET_CODE_LIFETIME = Limit(
    24,
    "hours",
    "A code a trainer makes for a member of their group who forgot their password: given at the "
    "gym or in a message, used that evening. It works once; a newer one replaces it.",
)
RECOVERY_CODE_COUNT = Limit(
    10,
    "codes",
    "Recovery codes an account gets at sign-up (and anew on its account page), each good for one "
    "password reset: enough for years of forgetting, few enough to print on one slip.",
)

# --- groups and homework ----------------------------------------------------------------------

JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Capital letters and digits without 0/O, 1/I/L: read off a whiteboard or a phone, nothing can be
mistaken for something else."""
JOIN_CODE_LENGTH = Limit(
    8,
    "characters",
    "31^8 is about 850 billion codes: guessing one is hopeless, and 8 characters are still easy "
    "to read out in a class. Spaces, dashes and case are ignored when typed.",
)

# --- self-checks ------------------------------------------------------------------------------

SELF_CHECK_MAX_BYTES = Limit(
    1_048_576,
    "bytes of JSON",
    "A report of a 90 s clip, angle curves included, is about 50-100 KB; a megabyte means "
    "something other than a report is being saved (the clip itself is never kept).",
)

# --- the database -----------------------------------------------------------------------------

SQLITE_BUSY_TIMEOUT = Limit(
    5,
    "s",
    "How long a SQLite write waits for another writer before giving up as 'busy'. A write here "
    "takes a few milliseconds, so even dozens of members saving at once clear in well under a "
    "second; 5 s means something else holds the file (a backup, another program).",
)
SQLITE_SYNCHRONOUS = "NORMAL"
"""With WAL, NORMAL keeps the database consistent through any crash; a power cut may lose the
last few commits. SQLite recommends it for WAL; FULL costs an fsync per commit."""
POSTGRES_CONNECT_TIMEOUT = Limit(
    10,
    "s",
    "How long to wait for the PostgreSQL server to answer before saying it is unreachable: "
    "longer than any healthy network round trip, short enough that a page is not left hanging.",
)
MIGRATION_LOCK_ID = 0x6869_6E67_6501
"""PostgreSQL advisory lock key held while migrating ('hinge' + 1 in hex), so servers starting
together upgrade the schema one at a time."""
