ALTER TABLE "Delivery" ADD COLUMN     "ref" TEXT;

CREATE TABLE "CalendarDay" (
    "date" TEXT NOT NULL,
    "workday" BOOLEAN NOT NULL,
    "name" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "CalendarDay_pkey" PRIMARY KEY ("date")
);

CREATE INDEX "Delivery_status_claimedAt_idx" ON "Delivery"("status", "claimedAt");
