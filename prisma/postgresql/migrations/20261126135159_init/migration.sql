CREATE SCHEMA IF NOT EXISTS "public";

CREATE TABLE "Plan" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "startYear" INTEGER NOT NULL,
    "endYear" INTEGER NOT NULL,
    "sourceHash" TEXT NOT NULL,
    "sourceName" TEXT NOT NULL,
    "accountable" TEXT NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "TaskGroup" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "TaskGroup_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Task" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "groupId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "WorkItem" (
    "id" SERIAL NOT NULL,
    "taskId" INTEGER NOT NULL,
    "ref" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "clause" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "WorkItem_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Unit" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Unit_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "UnitAlias" (
    "id" SERIAL NOT NULL,
    "unitId" INTEGER NOT NULL,
    "alias" TEXT NOT NULL,

    CONSTRAINT "UnitAlias_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "WorkItemUnit" (
    "workItemId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "WorkItemUnit_pkey" PRIMARY KEY ("workItemId","unitId","role")
);

CREATE TABLE "Indicator" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "comparator" TEXT NOT NULL DEFAULT 'gte',
    "deadline" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "headline" BOOLEAN NOT NULL DEFAULT false,
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "aliases" TEXT NOT NULL DEFAULT '[]',
    "retiredAt" TIMESTAMP(3),
    "workItemId" INTEGER,

    CONSTRAINT "Indicator_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "IndicatorShare" (
    "indicatorId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "IndicatorShare_pkey" PRIMARY KEY ("indicatorId","unitId")
);

CREATE TABLE "ReportingPeriod" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "period" INTEGER NOT NULL,
    "opensAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',

    CONSTRAINT "ReportingPeriod_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Report" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "period" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "firstAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ReportRevision" (
    "id" SERIAL NOT NULL,
    "reportId" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "identityId" INTEGER,
    "platform" TEXT NOT NULL,
    "reason" TEXT,
    "progress" TEXT,
    "problems" TEXT,
    "nextSteps" TEXT,
    "rawInput" TEXT NOT NULL,

    CONSTRAINT "ReportRevision_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "IndicatorValue" (
    "id" SERIAL NOT NULL,
    "reportId" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "indicatorId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "period" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "raw" TEXT NOT NULL,
    "current" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "IndicatorValue_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ChatIdentity" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT '',
    "userId" TEXT NOT NULL,
    "displayName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChatIdentity_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Binding" (
    "id" SERIAL NOT NULL,
    "identityId" INTEGER NOT NULL,
    "unitId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "Binding_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Schedule" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedBy" TEXT NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Setting" (
    "planId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("planId","key")
);

CREATE TABLE "Delivery" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "period" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "unitId" INTEGER,
    "platform" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "InboundEvent" (
    "key" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reply" TEXT,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "RankingSnapshot" (
    "id" SERIAL NOT NULL,
    "planId" INTEGER NOT NULL,
    "period" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),
    "payload" TEXT NOT NULL,

    CONSTRAINT "RankingSnapshot_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "rawInput" TEXT,
    "result" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Plan_code_key" ON "Plan"("code");

CREATE UNIQUE INDEX "TaskGroup_planId_code_key" ON "TaskGroup"("planId", "code");

CREATE UNIQUE INDEX "Task_planId_code_key" ON "Task"("planId", "code");

CREATE UNIQUE INDEX "WorkItem_taskId_seq_key" ON "WorkItem"("taskId", "seq");

CREATE UNIQUE INDEX "Unit_name_key" ON "Unit"("name");

CREATE UNIQUE INDEX "UnitAlias_alias_key" ON "UnitAlias"("alias");

CREATE INDEX "WorkItemUnit_unitId_role_idx" ON "WorkItemUnit"("unitId", "role");

CREATE UNIQUE INDEX "Indicator_planId_code_key" ON "Indicator"("planId", "code");

CREATE UNIQUE INDEX "ReportingPeriod_planId_period_key" ON "ReportingPeriod"("planId", "period");

CREATE UNIQUE INDEX "Report_planId_unitId_period_key" ON "Report"("planId", "unitId", "period");

CREATE UNIQUE INDEX "ReportRevision_reportId_revision_key" ON "ReportRevision"("reportId", "revision");

CREATE INDEX "IndicatorValue_indicatorId_current_unitId_period_value_idx" ON "IndicatorValue"("indicatorId", "current", "unitId", "period", "value");

CREATE UNIQUE INDEX "IndicatorValue_reportId_revision_indicatorId_key" ON "IndicatorValue"("reportId", "revision", "indicatorId");

CREATE UNIQUE INDEX "ChatIdentity_platform_tenant_userId_key" ON "ChatIdentity"("platform", "tenant", "userId");

CREATE UNIQUE INDEX "Binding_identityId_unitId_role_key" ON "Binding"("identityId", "unitId", "role");

CREATE UNIQUE INDEX "Schedule_planId_kind_key" ON "Schedule"("planId", "kind");

CREATE UNIQUE INDEX "Delivery_key_key" ON "Delivery"("key");

CREATE INDEX "Delivery_planId_period_status_idx" ON "Delivery"("planId", "period", "status");

CREATE UNIQUE INDEX "RankingSnapshot_planId_period_kind_key" ON "RankingSnapshot"("planId", "period", "kind");

CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

ALTER TABLE "TaskGroup" ADD CONSTRAINT "TaskGroup_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Task" ADD CONSTRAINT "Task_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Task" ADD CONSTRAINT "Task_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "TaskGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "WorkItem" ADD CONSTRAINT "WorkItem_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "UnitAlias" ADD CONSTRAINT "UnitAlias_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "WorkItemUnit" ADD CONSTRAINT "WorkItemUnit_workItemId_fkey" FOREIGN KEY ("workItemId") REFERENCES "WorkItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "WorkItemUnit" ADD CONSTRAINT "WorkItemUnit_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "Indicator" ADD CONSTRAINT "Indicator_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Indicator" ADD CONSTRAINT "Indicator_workItemId_fkey" FOREIGN KEY ("workItemId") REFERENCES "WorkItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "IndicatorShare" ADD CONSTRAINT "IndicatorShare_indicatorId_fkey" FOREIGN KEY ("indicatorId") REFERENCES "Indicator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "IndicatorShare" ADD CONSTRAINT "IndicatorShare_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "ReportingPeriod" ADD CONSTRAINT "ReportingPeriod_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Report" ADD CONSTRAINT "Report_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Report" ADD CONSTRAINT "Report_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "ReportRevision" ADD CONSTRAINT "ReportRevision_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "ReportRevision" ADD CONSTRAINT "ReportRevision_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChatIdentity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "IndicatorValue" ADD CONSTRAINT "IndicatorValue_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "IndicatorValue" ADD CONSTRAINT "IndicatorValue_indicatorId_fkey" FOREIGN KEY ("indicatorId") REFERENCES "Indicator"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "Binding" ADD CONSTRAINT "Binding_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChatIdentity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Binding" ADD CONSTRAINT "Binding_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Setting" ADD CONSTRAINT "Setting_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "RankingSnapshot" ADD CONSTRAINT "RankingSnapshot_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;
