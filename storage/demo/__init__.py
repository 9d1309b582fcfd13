"""Deterministic demo data for the reference company, an online school for building your own AI.

The company grows along the phase targets of its KPI document (about 50 customers by June
2025, 300 by December 2025, some 1,100 by November 2026), and its recent months are tuned so
that every status level shows up: new customers, NPS and uptime green; CAC, CSAT and AI
adoption yellow; revenue orange; the referral share and team productivity red.

Everything derives from the seed: each month's events of a type come from a Random seeded
with (seed, type, month) and each customer's life from one seeded with (seed, customer), so
the same arguments give the same rows and a later `today` only extends the history. Rows come
month by month, in time order, as the strings a CSV cell would hold.

The modules, each using only those before it: `company` (the company's shape and curves),
`draws` (seeded randomness and local times), `customers` (who enrolls and what becomes of
them), `events` (each type's events of a month) and `rows` (the import rows and CSV files).
"""
