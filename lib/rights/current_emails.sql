-- Every customer's current encrypted record, to resolve a request made by email: the email is
-- never stored in clear, so it is found by decrypting (with each customer's own key) in Node.
select customer_pseudonym, personal_enc
from dim_customer
where is_current and customer_key > 0 and personal_enc is not null
order by customer_pseudonym
