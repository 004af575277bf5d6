"""Uploads spooled to disk that find it full are refused, not a 500.

Django writes a file over `FILE_UPLOAD_MAX_MEMORY_SIZE` (2.5 MB) to a
temporary file (`FILE_UPLOAD_TEMP_DIR`, `KB_UPLOAD_TEMP_DIR`) while it reads
the request. A full disk there raised `OSError` from wherever the body was
first read (often CSRF's middleware), a 500. This handler stops the upload
instead, drops what it wrote, and marks the request, so the upload's view
answers 507 (the API) or shows the form again saying so (the admin).
"""

from __future__ import annotations

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

from glossary.services.uploads import is_no_room


def upload_found_no_room(request: object) -> bool:
    """Whether this request's upload was stopped by a full disk."""
    return bool(getattr(request, "kb_upload_no_room", False))


class NoRoomAwareUploadHandler(TemporaryFileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int):
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as error:
            self._stop(error)

    def file_complete(self, file_size: int):
        try:
            return super().file_complete(file_size)
        except OSError as error:
            self._stop(error)

    def _stop(self, error: OSError) -> None:
        if not is_no_room(error):
            raise error
        self.request.kb_upload_no_room = True
        try:
            self.file.close()  # a temporary file: deleted on close
        except OSError:
            pass  # its buffered tail cannot be written either
        raise StopUpload(connection_reset=False)
