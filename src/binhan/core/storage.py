"""Static files: WhiteNoise's hashed and compressed storage, gzip only."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Brotli copies (WhiteNoise writes them whenever `brotli` is installed, and WeasyPrint installs
    it) made `collectstatic` five times slower, 27 s instead of 5, mostly on the API docs' large
    bundles; gzip is what every browser takes anyway."""

    def create_compressor(self, **kwargs):
        return super().create_compressor(use_brotli=False, **kwargs)
