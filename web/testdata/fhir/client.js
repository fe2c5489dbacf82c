// Reads mgz's FHIR API with a real FHIR client library (fhir-kit-client): the
// CapabilityStatement, then a Patient search by BSN, then (when MGZ_HANDOVER_PATIENT is set) the
// operation Patient/{id}/$handover. Configured by the environment: MGZ_FHIR_BASE (the base URL),
// MGZ_FHIR_TOKEN (a bearer token), MGZ_BSN and MGZ_HANDOVER_PATIENT.
// Prints one JSON object with what the client saw, for web/fhir_node_test.go to check.
'use strict';
const Client = require('fhir-kit-client');

async function main() {
  const client = new Client({ baseUrl: process.env.MGZ_FHIR_BASE, bearerToken: process.env.MGZ_FHIR_TOKEN });
  const cs = await client.capabilityStatement();
  const bundle = await client.search({
    resourceType: 'Patient',
    searchParams: { identifier: `http://fhir.nl/fhir/NamingSystem/bsn|${process.env.MGZ_BSN}` },
  });
  const patients = (bundle.entry || []).map((e) => e.resource);
  let handover = null;
  if (process.env.MGZ_HANDOVER_PATIENT) {
    const doc = await client.operation({
      resourceType: 'Patient', id: process.env.MGZ_HANDOVER_PATIENT, name: '$handover', method: 'GET',
    });
    handover = {
      type: doc.type,
      entryTypes: (doc.entry || []).map((e) => e.resource.resourceType),
      fullUrls: (doc.entry || []).map((e) => e.fullUrl || ''),
      sections: ((doc.entry || [])[0] || { resource: {} }).resource.section.map((s) => s.title),
    };
  }
  console.log(JSON.stringify({
    fhirVersion: cs.fhirVersion,
    resources: cs.rest[0].resource.map((r) => r.type),
    bundleType: bundle.type,
    total: bundle.total,
    patientIds: patients.map((p) => p.id),
    identifiers: patients.flatMap((p) => p.identifier || []),
    handover,
  }));
}

main().catch((err) => {
  console.error(`fhir-kit-client failed: ${err.message || err}`, err.response ? JSON.stringify(err.response.data) : '');
  process.exit(1);
});
