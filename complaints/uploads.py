"""An upload handler that stops reading a file as soon as it passes the size limit (DESIGN §6.3).

Without it Django would write the whole request body to disk before the service could say "too large".
The skipped file's name is kept on the request so the page can say which file was too large.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class MaxSizeUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.PORTAL_ATTACHMENT_MAX_BYTES:
            if not hasattr(self.request, "oversize_uploads"):
                self.request.oversize_uploads = []  # type: ignore[attr-defined]
            self.request.oversize_uploads.append(self.file_name)  # type: ignore[attr-defined]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
