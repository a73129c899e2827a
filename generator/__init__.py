"""述职评议考核 document pipeline: from campaign data to the signed personnel archive."""

__version__ = "0.1.0"
