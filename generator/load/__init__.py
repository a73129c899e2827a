"""The load layer: the campaign data folder read once, checked, every problem located."""
