"""Charts drawn on the server as inline SVG: the one drawer for QI, insights and any later chart."""
