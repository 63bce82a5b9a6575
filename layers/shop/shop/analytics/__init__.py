"""Analytics: what the merchant's data dashboard (数据看板) is made of - traffic sources, client events
and the counters aggregated from the shop's own changes. Reads no other context's code: it sees
orders, refunds and profiles as the items the table's stream carries."""
