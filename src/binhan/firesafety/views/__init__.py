"""Fire-safety pages: overview and map, teams, equipment and the overdue register, inspections, points, drills."""
