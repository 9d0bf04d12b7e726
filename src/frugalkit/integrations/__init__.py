"""frugalkit's figures where people already log them (issue 25, item 4): each integration is
optional and imports its library only when used."""
