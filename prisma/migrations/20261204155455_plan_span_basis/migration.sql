ALTER TABLE "IndicatorShare" ADD COLUMN "baseline" REAL;

ALTER TABLE "IndicatorValue" ADD COLUMN "stated" TEXT;
ALTER TABLE "IndicatorValue" ADD COLUMN "statedValue" REAL;

PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Indicator" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "planId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "basis" TEXT NOT NULL DEFAULT 'ytd',
    "unit" TEXT NOT NULL,
    "target" REAL NOT NULL,
    "targetMax" REAL,
    "baseline" REAL,
    "baselineYear" INTEGER,
    "ownerUnitId" INTEGER,
    "comparator" TEXT NOT NULL DEFAULT 'gte',
    "deadline" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "headline" BOOLEAN NOT NULL DEFAULT false,
    "weight" REAL NOT NULL DEFAULT 1,
    "aliases" TEXT NOT NULL DEFAULT '[]',
    "retiredAt" DATETIME,
    "workItemId" INTEGER,
    CONSTRAINT "Indicator_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Indicator_workItemId_fkey" FOREIGN KEY ("workItemId") REFERENCES "WorkItem" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Indicator_ownerUnitId_fkey" FOREIGN KEY ("ownerUnitId") REFERENCES "Unit" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Indicator" ("aliases", "code", "comparator", "deadline", "headline", "id", "kind", "name", "ordinal", "planId", "retiredAt", "source", "target", "unit", "weight", "workItemId") SELECT "aliases", "code", "comparator", "deadline", "headline", "id", "kind", "name", "ordinal", "planId", "retiredAt", "source", "target", "unit", "weight", "workItemId" FROM "Indicator";
DROP TABLE "Indicator";
ALTER TABLE "new_Indicator" RENAME TO "Indicator";
CREATE UNIQUE INDEX "Indicator_planId_code_key" ON "Indicator"("planId", "code");
CREATE TABLE "new_Plan" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "startYear" INTEGER NOT NULL,
    "endYear" INTEGER NOT NULL,
    "startPeriod" INTEGER NOT NULL DEFAULT 0,
    "endPeriod" INTEGER NOT NULL DEFAULT 0,
    "shortName" TEXT NOT NULL DEFAULT '',
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "example" BOOLEAN NOT NULL DEFAULT false,
    "sourceHash" TEXT NOT NULL,
    "sourceName" TEXT NOT NULL,
    "accountable" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Plan" ("accountable", "code", "createdAt", "endYear", "id", "sourceHash", "sourceName", "startYear", "title", "updatedAt") SELECT "accountable", "code", "createdAt", "endYear", "id", "sourceHash", "sourceName", "startYear", "title", "updatedAt" FROM "Plan";
DROP TABLE "Plan";
ALTER TABLE "new_Plan" RENAME TO "Plan";
CREATE UNIQUE INDEX "Plan_code_key" ON "Plan"("code");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Existing plans are chased over their own years until an admin extends them.
UPDATE "Plan" SET "startPeriod" = "startYear" * 100 + 1 WHERE "startPeriod" = 0;
UPDATE "Plan" SET "endPeriod" = "endYear" * 100 + 12 WHERE "endPeriod" = 0;

-- Reporting bases. Sums stored before this migration are monthly increments: they keep
-- that basis (an admin may change it only while an indicator holds no values), and new
-- imports default to year-to-date (1–N月累计), as statistics offices report.
UPDATE "Indicator" SET "basis" = 'month' WHERE "kind" IN ('cumulative', 'per_year');
UPDATE "Indicator" SET "basis" = 'level' WHERE "kind" = 'stock';
UPDATE "Indicator" SET "basis" = 'rate' WHERE "kind" IN ('ratio', 'growth', 'reduction');

-- Delivery keys name their plan: several plans are chased at once.
UPDATE "Delivery" SET "key" = CAST("planId" AS TEXT) || '/' || "key";
