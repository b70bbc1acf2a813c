"""dbt models generated from the contracts, and the dbt assets that build them."""
