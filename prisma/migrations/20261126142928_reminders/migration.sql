ALTER TABLE "Delivery" ADD COLUMN "ref" TEXT;

CREATE TABLE "CalendarDay" (
    "date" TEXT NOT NULL PRIMARY KEY,
    "workday" BOOLEAN NOT NULL,
    "name" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL
);

CREATE INDEX "Delivery_status_claimedAt_idx" ON "Delivery"("status", "claimedAt");
