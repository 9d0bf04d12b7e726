"""The observatory: sourced energy-and-AI figures by region and year, demand scenarios,
measured AI energy, and catalogues of case studies, innovations and the coalition."""
