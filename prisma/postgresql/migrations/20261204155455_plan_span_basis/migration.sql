ALTER TABLE "Indicator" ADD COLUMN     "baseline" DOUBLE PRECISION,
ADD COLUMN     "baselineYear" INTEGER,
ADD COLUMN     "basis" TEXT NOT NULL DEFAULT 'ytd',
ADD COLUMN     "ownerUnitId" INTEGER,
ADD COLUMN     "targetMax" DOUBLE PRECISION;

ALTER TABLE "IndicatorShare" ADD COLUMN     "baseline" DOUBLE PRECISION;

ALTER TABLE "IndicatorValue" ADD COLUMN     "stated" TEXT,
ADD COLUMN     "statedValue" DOUBLE PRECISION;

ALTER TABLE "Plan" ADD COLUMN     "endPeriod" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "example" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "shortName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "startPeriod" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai';

ALTER TABLE "Indicator" ADD CONSTRAINT "Indicator_ownerUnitId_fkey" FOREIGN KEY ("ownerUnitId") REFERENCES "Unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

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
