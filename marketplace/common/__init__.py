"""Small pure helpers shared by several areas. Nothing here imports Flask or SQLAlchemy."""
