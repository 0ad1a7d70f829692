# The tests' mask policy (data.writ.log.mask): JSON pointers erased from audit entries before they are hashed.
package writ.log

import rego.v1

mask contains "/input/tenant/contact" if input.kind == "decision"

mask contains "/secret" if input.secret

# a policy may erase a decision's whole input
mask contains "/input" if input.erase_input

# an array element becomes null, so that the others keep their pointers
mask contains "/notes/1" if input.notes

# two values for one complete rule fail the evaluation: the tests' way to make the mask policy fail
failure := 1 if input.reason == "mask-fails"

failure := 2 if input.reason == "mask-fails"

failure := 1 if input.revision == "refuse-me"

failure := 2 if input.revision == "refuse-me"

mask contains "/reason" if failure
