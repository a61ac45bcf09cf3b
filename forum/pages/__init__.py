"""The site's own pages every NHS service has: privacy notice, accessibility statement,
community guidelines and contact. Anyone may read them; organisers edit them (forum/admin)."""
