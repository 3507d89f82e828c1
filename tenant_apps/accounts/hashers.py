"""Argon2id with OWASP's recommended parameters (m=19 MiB, t=2, p=1).

Django's defaults (m=100 MiB, p=8) cost ~0.1-0.3 s of CPU per hash on a 2-core machine,
which makes every login and every institution sign-up slow and lets a handful of
concurrent logins starve the web workers. See docs/decisions/0004-argon2-parameters.md.
"""
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # same encoded prefix: existing Argon2 hashes verify and get upgraded
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
