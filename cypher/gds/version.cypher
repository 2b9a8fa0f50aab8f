// The Graph Data Science library's version; fails when the library is not installed.
RETURN gds.version() AS version
