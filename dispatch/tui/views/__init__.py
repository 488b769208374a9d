"""The console's other views: timeline, map, key figures, help, the floor's seats."""
