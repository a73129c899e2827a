"""The pipeline layer: the commands, composed of load → score → documents → output → archive."""
