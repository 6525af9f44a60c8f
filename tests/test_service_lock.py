"""The single-instance lock: a second service on the same store is refused; a dead or silent holder is not
waited for longer than needed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from connector.clock import FakeClock
from connector.service.lock import LockHeld, ServiceLock, held
from connector.store import Store


@pytest.fixture
def engine(tmp_path):
    return Store.open(f"sqlite:///{tmp_path / 'state.db'}").engine


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_second_service_on_the_same_store_is_refused_with_who_holds_it(engine):
    clock = FakeClock()
    first = ServiceLock(engine, clock=clock, pid=os.getppid())  # another live process on this host
    first.acquire()
    second = ServiceLock(engine, clock=clock)
    with pytest.raises(LockHeld, match=rf"pid {os.getppid()} on .*last heartbeat 0 s ago") as error:
        second.acquire()
    assert error.value.exit_code == 3
    clock.advance(60)
    assert first.renew()
    clock.advance(60)  # 120 s since acquire, 60 s since the heartbeat: still within the 90 s ttl
    with pytest.raises(LockHeld):
        second.acquire()


def test_a_holder_that_stopped_renewing_is_taken_over_after_the_ttl(engine):
    clock = FakeClock()
    elsewhere = ServiceLock(engine, clock=clock, ttl=90, host="other-machine", pid=os.getpid())
    elsewhere.acquire()
    here = ServiceLock(engine, clock=clock, ttl=90)
    clock.advance(89)
    with pytest.raises(LockHeld, match="frees itself in 1 s"):
        here.acquire()
    clock.advance(2)
    assert here.acquire().holder == here.holder
    assert not elsewhere.renew()  # the old holder learns it lost the lock and stops


def test_a_killed_holder_on_this_host_is_taken_over_at_once(engine):
    clock = FakeClock()
    ServiceLock(engine, clock=clock, pid=dead_pid()).acquire()
    restarted = ServiceLock(engine, clock=clock)
    assert restarted.acquire().pid == os.getpid()


def test_held_releases_the_lock_and_release_leaves_other_holders_alone(engine):
    lock = ServiceLock(engine, ttl=30)
    with held(lock, heartbeat=10) as info:
        assert lock.current() == info
    assert lock.current() is None
    other = ServiceLock(engine, pid=os.getppid())
    other.acquire()
    lock.release()
    assert lock.current().holder == other.holder
