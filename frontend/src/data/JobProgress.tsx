/** A job's progress bar: polls the job, shows its message, its error when it fails, and calls onDone once. */
import { Alert, Progress, Space, Typography } from "antd";
import { useEffect, useRef } from "react";
import { useI18n } from "../i18n";
import { FINISHED, jobError, jobMessage, useJob, type Job } from "./jobs";
import { useDataT } from "./i18n";

export function JobProgress({ jobId, onDone, testId }: { jobId: number; onDone?: (job: Job) => void; testId?: string }) {
  const { lang } = useI18n();
  const t = useDataT();
  const { job, error } = useJob(jobId);
  const reported = useRef<number | null>(null);
  useEffect(() => {
    if (job && FINISHED.includes(job.status) && reported.current !== job.id) {
      reported.current = job.id;
      onDone?.(job);
    }
  }, [job, onDone]);
  if (error) return <Alert type="error" showIcon message={error} />;
  const pct = Math.round((job?.progress ?? 0) * 100);
  const status = job?.status === "failed" ? "exception" : job?.status === "succeeded" ? "success" : job?.status === "cancelled" ? "normal" : "active";
  return (
    <div data-testid={testId ?? "job-progress"} data-status={job?.status ?? "queued"}>
      <Progress percent={job?.status === "succeeded" ? 100 : pct} status={status} />
      <Space size={8} wrap>
        <Typography.Text type="secondary">{t(`job.${(job?.status ?? "queued") as "queued"}`)}</Typography.Text>
        {job?.message && <Typography.Text type="secondary">· {jobMessage(job, lang)}</Typography.Text>}
      </Space>
      {job?.status === "failed" && <Alert style={{ marginTop: 8 }} type="error" showIcon message={jobError(job, lang)} />}
    </div>
  );
}
