// Evaluates DCQL cases with the `dcql` library (OpenWallet Foundation Labs), an implementation
// independent of medcred's: reads [{query, presentation}] as JSON on stdin, prints one result per
// case: {valid_query, satisfied} — whether the library accepts the query, and whether the
// presentation (its credential_format, vct or type, and claims) satisfies it.
import { DcqlQuery, DcqlPresentationResult } from 'dcql';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
const results = cases.map(({ query, presentation }) => {
  let parsed;
  try {
    parsed = DcqlQuery.parse(query);
    DcqlQuery.validate(parsed);
  } catch (e) {
    return { valid_query: false, satisfied: false, error: String(e.message ?? e) };
  }
  try {
    const id = parsed.credentials[0].id;
    const result = DcqlPresentationResult.fromDcqlPresentation({ [id]: [presentation] }, { dcqlQuery: parsed });
    return { valid_query: true, satisfied: result.can_be_satisfied === true };
  } catch (e) {
    return { valid_query: true, satisfied: false, error: String(e.message ?? e) };
  }
});
process.stdout.write(JSON.stringify(results));
