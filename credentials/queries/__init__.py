"""The read wing: every read model of the registry, none of which writes.

scopes        who may see what: each role's visibility as a WHERE clause, defined once per kind of record
registry      workers, certificates, level counts, import jobs
records       training records and appraisal results
approvals     promotion requests, competitions, the bureau's work queue, the WorldSkills pool
competition_rules  bureaus' reward rules as engine policies, which rule governs a competition, versions
history       a worker's facts as the plain `ladder.WorkerHistory` the rules judge
progression   a worker's ladder: levels held, next level, eligible from when
career        routes onward, crossover to engineering titles
census        a region's workers on the ladder
verification  the public look-up of a certificate
credential_check  a digital credential (a file, or a certificate's own) checked one check at a time as the
              strictest outside verifier would, plus the institution's accreditation on the day of issue

Modules return `select()` statements (views paginate them) or plain values; import the module you need.
"""
