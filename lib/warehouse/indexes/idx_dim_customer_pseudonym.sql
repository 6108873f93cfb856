-- Why: a data-subject request (GDPR Art. 15 access, Art. 16 rectification, Art. 17 erasure)
-- starts from one customer: its pseudonym is recomputed from the customer number, then every
-- version of the customer is looked up. That is a point lookup on a non-key column of the
-- largest dimension: an ART index turns a full scan into a few page reads.
create index idx_dim_customer_pseudonym on dim_customer (customer_pseudonym);
