"""Private storage for attachments (DESIGN §6.3): never served, never public, never overwritten.

Every option that matters is set here, on the class, rather than left to library defaults.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage


class PrivateFileSystemStorage(FileSystemStorage):
    """A local directory outside every served path (the embedded default and tests)."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("location", str(settings.PRIVATE_MEDIA_ROOT))
        kwargs["file_permissions_mode"] = 0o600
        kwargs["directory_permissions_mode"] = 0o700
        super().__init__(**kwargs)

    def url(self, name):  # type: ignore[no-untyped-def]
        # Django would fall back to MEDIA_URL; attachments leave only through the authorized download view.
        raise ValueError("Attachments have no public address; use the download view.")


class PrivateS3Storage(S3Storage):
    """An S3-compatible bucket: private ACL, server-side encryption, no overwrite, signed URLs only."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.update(
            max_memory_size=1024 * 1024,  # downloads over 1 MB spill to a temporary file, not memory
            default_acl="private",
            file_overwrite=False,
            querystring_auth=True,
            custom_domain=None,
            location=kwargs.get("location", "attachments"),
            object_parameters={
                "ServerSideEncryption": kwargs.pop("server_side_encryption", "AES256"),
                "CacheControl": "no-store",
                "ContentDisposition": "attachment",
            },
        )
        super().__init__(**kwargs)
