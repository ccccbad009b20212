# The test S3 server's launcher (test/support/s3Server.ts runs it with /usr/bin/python3).
#
# `exec USER PROGRAM ARGS...`: drops root to USER (if given and running as root) and execs
# PROGRAM. `swift SWIFT_DIR A,C,O`: reads SWIFT_DIR/swift.conf, builds the rings for the account,
# container and object servers on ports A, C, O, imports Swift once and forks the four servers
# (each `run_wsgi` with SWIFT_DIR/<name>.conf), then supervises them: SIGTERM ends them all
# (SIGKILL after 4 s), and one that exits ends the rest, so a broken server fails the start.

import ctypes, os, signal, sys, time, traceback

libc = ctypes.CDLL(None, use_errno=True)


def die_with(parent):
    # PR_SET_PDEATHSIG: the kernel kills this process when the one that started it dies.
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


die_with(int(os.environ['NETGUARDIAN_S3_PARENT_PID']))
mode = sys.argv[1]
if mode == 'exec':
    user, program = sys.argv[2], sys.argv[3]
    if user and os.getuid() == 0:
        import pwd
        entry = pwd.getpwnam(user)
        os.setgroups([])
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
        die_with(int(os.environ['NETGUARDIAN_S3_PARENT_PID']))  # a change of user clears it
    os.execv(program, sys.argv[3:])

swift_dir, ring_ports = sys.argv[2], sys.argv[3].split(',')
# Swift monkey-patches with eventlet when its server starts; eventlet then runs gc.collect() for
# each existing RLock, a second of CPU with Swift loaded. Patched first, with little loaded and
# those collections skipped (they only drop garbage that refers to the old locks), Swift's own
# call later finds nothing left to do.
import gc
import eventlet.patcher
collect = gc.collect
gc.collect = lambda *args: 0
eventlet.patcher.monkey_patch(all=False, socket=True, select=True, thread=True)
gc.collect = collect

from swift.common import utils
utils.set_swift_dir(swift_dir)
from swift.common import constraints, storage_policy
constraints.reload_constraints()
storage_policy.reload_storage_policies()

from swift.common.ring import RingBuilder
for name, port in zip(('account', 'container', 'object'), ring_ports):
    builder = RingBuilder(8, 1, 1)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
                     'device': 'd1', 'weight': 1.0, 'meta': ''})
    builder.rebalance()
    builder.get_ring().save(os.path.join(swift_dir, name + '.ring.gz'))

# Imported once here, shared by the four forks.
import swift.account.server, swift.container.server, swift.obj.server, swift.proxy.server
import swift.common.middleware.s3api.s3api, swift.common.middleware.tempauth
import swift.common.middleware.slo, swift.common.middleware.dlo, swift.common.middleware.bulk
from swift.common.wsgi import run_wsgi

supervisor = os.getpid()
children = {}
for section in ('account-server', 'container-server', 'object-server', 'proxy-server'):
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            die_with(supervisor)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            status = run_wsgi(os.path.join(swift_dir, section + '.conf'), section) or 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(status)
    children[pid] = section


def stop(status):
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 4
    while children and time.monotonic() < deadline:
        pid, _ = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            time.sleep(0.05)
        else:
            children.pop(pid, None)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os._exit(status)


signal.signal(signal.SIGTERM, lambda *args: stop(0))
signal.signal(signal.SIGINT, lambda *args: stop(0))
while children:
    pid, status = os.wait()
    section = children.pop(pid, None)
    if section is not None:
        print('%s exited (wait status %d)' % (section, status), file=sys.stderr, flush=True)
        stop(1)
