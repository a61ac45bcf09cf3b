"""The organisers' pages: boards, alliances, professions, roles and the site's own pages."""
