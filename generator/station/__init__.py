"""The clerk's station: the campaign in a browser, on the same data folder as the CLI."""
