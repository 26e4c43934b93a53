"""The course store: accounts, progress, self-check summaries, groups and homework, kept in a
relational database (a SQLite file by default, PostgreSQL when ``DATABASE_URL`` names one).

    from course.store import open_store, StoreError

    store = open_store()                      # migrates the schema on open
    member = store.sign_in("amy", "correct horse")
    store.progress(member).mark_read("hip-hinge")

Pages call these methods and get frozen records back (``course.store.records``); they never
see SQL, rows or sessions. Errors are ``StoreError`` kinds with messages for the reader
(``course.store.errors``); the numbers the store enforces are in ``course.store.rules``.
"""

from course.store.core import utc_now
from course.store.errors import (
    InvalidInput,
    NotAllowed,
    SignInThrottled,
    StoreError,
    StoreUnavailable,
    UsernameTaken,
    WrongCredentials,
)
from course.store.learning import StoredProgress
from course.store.records import (
    Account,
    Assignment,
    AssignmentStatus,
    DashboardRow,
    Feedback,
    Group,
    GroupDashboard,
    Member,
    MemberDetail,
    QuizBest,
    ResetCode,
    SelfCheckRecord,
    SelfCheckSummary,
    Submission,
    SubmittedSelfCheck,
)
from course.store.store import Store, open_store

__all__ = [
    "Account",
    "Assignment",
    "AssignmentStatus",
    "DashboardRow",
    "Feedback",
    "Group",
    "GroupDashboard",
    "InvalidInput",
    "Member",
    "MemberDetail",
    "NotAllowed",
    "QuizBest",
    "ResetCode",
    "SelfCheckRecord",
    "SelfCheckSummary",
    "SignInThrottled",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoredProgress",
    "Submission",
    "SubmittedSelfCheck",
    "UsernameTaken",
    "WrongCredentials",
    "open_store",
    "utc_now",
]
