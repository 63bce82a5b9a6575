"""Growth: coupons (templates, claiming, the rules that price them), invite codes and share rewards
(rewards: the growth config, qualification and rewards). Models are in growth.models."""
