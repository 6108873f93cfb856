-- A data-subject request, step 1: every version of one customer, found by pseudonym.
select customer_key, valid_from, valid_to, is_current
from dim_customer
where customer_pseudonym = {{pseudonym}}
