-- CreateIndex
CREATE INDEX "alerts_status_alert_type_idx" ON "alerts"("status", "alert_type");

-- CreateIndex
CREATE INDEX "alerts_status_severity_idx" ON "alerts"("status", "severity");

