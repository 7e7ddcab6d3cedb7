"""`make bench` and `make bench-scale`, and the bulk seeder the plan tests share (bench/seed.py)."""
