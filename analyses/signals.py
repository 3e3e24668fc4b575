"""The object types ("signals") detection can fuse; dependency-free so the CLI can list them cheaply."""

SIGNALS: tuple[str, ...] = ("hashtag", "sound", "repost", "url", "mention", "caption")
