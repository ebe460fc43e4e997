"""Uploads are measured while they stream in: a request larger than the largest file the
app takes (a staff file, 20 MB) is not read into memory or onto disk, and the view is told
so it can say why in Swedish."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the staff file's limit; attachments take 10 MB
SLACK = 64 * 1024  # the multipart envelope around the file


def upload_too_large(request: Any) -> bool:
    """Whether the request's upload was stopped for its size."""
    return bool(getattr(request, "upload_too_large", False))


class SizeLimitUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: refuses from the declared length, and counts the
    bytes as they arrive in case the length was not declared or was false."""

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int,
                         boundary: Any, encoding: str | None = None) -> None:
        # the fields before the file (the CSRF token) are still read; the file is not
        self.received = 0
        self.declared_too_large = content_length > MAX_UPLOAD_BYTES + SLACK

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if getattr(self, "declared_too_large", False) or self.received > MAX_UPLOAD_BYTES:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _stop(self) -> None:
        if self.request is not None:
            setattr(self.request, "upload_too_large", True)  # noqa: B010 - not a model field
        raise StopUpload(connection_reset=True)
