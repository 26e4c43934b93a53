"""Many sign-ins at once never run more Argon2 hashes at a time than the bound
(Settings.password_hashes_at_once): each hash holds 64 MiB by default, so the bound caps the
memory sign-ins can take. Real threads, real Argon2id, a real SQLite file; the hashes running
at once are counted inside the hasher, not inferred from timing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

from course.settings import Settings, SettingsError
from course.store import open_store
from course.store.passwords import BoundedHasher

SIGN_INS_AT_ONCE = 16  # the case
PASSWORD = "tuesday squats at six"


class CountingHasher(PasswordHasher):
    """Argon2id costly enough (8 MiB, 3 passes) for hashes to overlap when nothing stops
    them; counts how many run at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=3, memory_cost=8 * 1024, parallelism=1)
        self._lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.calls = 0

    def _counted(self, work):
        with self._lock:
            self.running += 1
            self.calls += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            return work()
        finally:
            with self._lock:
                self.running -= 1

    def hash(self, password, *, salt=None):
        return self._counted(lambda: super(CountingHasher, self).hash(password, salt=salt))

    def verify(self, hash, password):
        return self._counted(lambda: super(CountingHasher, self).verify(hash, password))


def sign_ins_at_once(tmp_path, at_once: int) -> CountingHasher:
    """SIGN_INS_AT_ONCE members signing in at the same moment; the hasher that counted them."""
    hasher = CountingHasher()
    with open_store(f"sqlite:///{tmp_path / 'course.sqlite3'}", hasher=hasher, hashes_at_once=at_once) as store:
        names = [f"member{i}" for i in range(SIGN_INS_AT_ONCE)]
        for name in names:
            store.sign_up(name, PASSWORD, display_name=name, role="member")
        hasher.most_at_once = 0
        start = threading.Barrier(SIGN_INS_AT_ONCE)

        def sign_in(name: str):
            start.wait()
            return store.sign_in(name, PASSWORD)

        with ThreadPoolExecutor(SIGN_INS_AT_ONCE) as pool:
            accounts = list(pool.map(sign_in, names))
    assert [account.username for account in accounts] == names
    return hasher


@pytest.mark.slow
def test_sixteen_sign_ins_at_once_run_no_more_hashes_at_a_time_than_the_bound(tmp_path):
    hasher = sign_ins_at_once(tmp_path, at_once=2)
    assert hasher.most_at_once == 2


@pytest.mark.slow
def test_without_a_tight_bound_the_same_sign_ins_do_overlap_so_the_counter_sees_it(tmp_path):
    hasher = sign_ins_at_once(tmp_path, at_once=SIGN_INS_AT_ONCE)
    assert hasher.most_at_once > 2


def test_the_bound_is_a_setting_whose_memory_is_stated():
    settings = Settings()
    assert settings.password_hashes_at_once == 2
    assert "64 MiB" in Settings.__dataclass_fields__["password_hashes_at_once"].metadata["limit"].why
    assert Settings.from_env({"HINGE_PASSWORD_HASHES_AT_ONCE": "4"}).password_hashes_at_once == 4


def test_a_bound_of_one_hashes_one_at_a_time():
    hasher = CountingHasher()
    bounded = BoundedHasher(hasher, 1)
    with ThreadPoolExecutor(8) as pool:
        hashes = list(pool.map(bounded.hash, [PASSWORD] * 8))
    assert hasher.most_at_once == 1 and all(bounded.verify(h, PASSWORD) for h in hashes)


@pytest.mark.parametrize("at_once", [0, 65])
def test_a_bound_out_of_range_is_refused_at_start(at_once):
    with pytest.raises(SettingsError):
        Settings(password_hashes_at_once=at_once)
