"""Build glue: gallery scripts -> executed notebooks -> pages, and chapter embeds."""
