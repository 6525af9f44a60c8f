"""Getting an office set up and keeping it healthy: `connector init`, `connector connect`, `connector doctor`.

wizard (the questions of init) -> package_setup (log in, pick the administration per package)
-> logins (the calls to the hosts; consent runs the browser half) -> config_writer (the file).
checks, checks_admin and checks_local are the doctor's; reconnect is `connector connect`.
"""
