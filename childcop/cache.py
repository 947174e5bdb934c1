"""The embedded cache: Django's file cache under var/, shared by every process on the machine
(gunicorn workers, the Celery worker), with an atomic `add`.

Sign-in limits (allauth's rate limits) keep their counts in the default cache and take a
lock with `cache.add`; Django's file cache checks for the file and then writes it, so two
processes could both take the lock and one failed attempt would go uncounted. Here the
entry is written to a temporary file and hard-linked into place, which fails when the file
exists: exactly one process gets the lock. Expired entries are culled before live ones, so
a flood of new keys does not wipe a sign-in count. Production uses Redis (`CACHE_URL`).
"""

import os
import tempfile

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):  # an expired entry is removed by has_key
            return False
        self._createdir()
        fname = self._key_to_file(key, version)
        self._cull()
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            try:
                os.link(tmp_path, fname)
            except FileExistsError:
                return False
            return True
        finally:
            os.remove(tmp_path)

    def _cull(self):
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        for fname in files:  # expired entries first: has_key-like read removes them
            try:
                with open(fname, "rb") as f:
                    self._is_expired(f)
            except FileNotFoundError:
                pass
        super()._cull()
