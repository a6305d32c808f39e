"""Open Badges 3.0 / W3C VC 2.0 credentials that verify offline.

Modules: `contexts` (pinned JSON-LD contexts, no network), `keys` (Ed25519 Multikey, did:web),
`proof` (eddsa-rdfc-2022 Data Integrity), `jose` (VC-JOSE JWT), `statuslist` (Bitstring Status List),
`schema` (OB3 JSON Schema), `ob3` (credential builder). Import what you need from the submodules.
"""
