/** Routes, the Ant Design theme and locale (zh-CN by default). Pages are code-split: the login page loads
 * only itself, React and the Ant Design parts it uses; the frame (AppLayout), every page and ECharts come as
 * their own chunks after sign-in (docs/development.md, "Web app size"). */
import { App as AntApp, ConfigProvider, Result, Button, Spin } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { Link, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { AuthProvider, useAuth, useCan } from "./auth";
import { useI18n } from "./i18n";
import LoginPage from "./pages/Login";

const AppLayout = lazy(() => import("./layout/AppLayout"));
const SharePage = lazy(() => import("./dashboards/share/SharePage"));
const EmbedPage = lazy(() => import("./dashboards/share/EmbedPage"));
const HomePage = lazy(() => import("./pages/Home"));
const MetricsPage = lazy(() => import("./pages/Metrics"));
const MetricPage = lazy(() => import("./pages/MetricDetail"));
const AnalysisPage = lazy(() => import("./pages/Analysis"));
const DashboardsPage = lazy(() => import("./pages/Dashboards"));
const DashboardView = lazy(() => import("./dashboards/DashboardView"));
const DashboardEditor = lazy(() => import("./dashboards/DashboardEditor"));
const ChartGalleryPage = lazy(() => import("./pages/ChartGallery"));
const AlertsPage = lazy(() => import("./pages/Alerts"));
const WhyPage = lazy(() => import("./insights/WhyPage"));
const AllocatePage = lazy(() => import("./innovation/AllocatePage"));
const MetricEditorPage = lazy(() => import("./pages/MetricEditor"));
const DataPage = lazy(() => import("./pages/Data"));
const ChannelsPage = lazy(() => import("./channels/ChannelsPage"));
const HotspotsPage = lazy(() => import("./innovation/HotspotsPage"));
const EfficiencyPage = lazy(() => import("./innovation/EfficiencyPage"));
const AssessPage = lazy(() => import("./innovation/AssessPage"));
const AuditPage = lazy(() => import("./admin/AuditPage"));
const PeoplePage = lazy(() => import("./admin/PeoplePage"));

/** What a page shows while its code arrives (a chunk loaded on first visit). */
function PageLoading() {
  const { t } = useI18n();
  return (
    <div className="page-loading" role="status" aria-live="polite">
      <Spin size="large" tip={t("common.loading")}>
        <div style={{ minHeight: 80 }} />
      </Spin>
    </div>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { me, checked } = useAuth();
  const location = useLocation();
  if (!checked) return <Spin size="large" style={{ display: "block", marginTop: "30vh" }} />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

/** A page for roles holding `permission`; anyone else goes to the home page. */
function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const can = useCan();
  if (!can(permission)) return <Navigate to="/" replace />;
  return <>{children}</>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t("error.notFound")}
      extra={
        <Link to="/">
          <Button type="primary">{t("error.backHome")}</Button>
        </Link>
      }
    />
  );
}

export default function App() {
  const { lang } = useI18n();
  useEffect(() => {
    dayjs.locale(lang === "zh" ? "zh-cn" : "en");
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);
  return (
    <ConfigProvider
      locale={lang === "zh" ? zhCN : enUS}
      theme={{
        token: {
          colorPrimary: "#1664ff",
          borderRadius: 6,
          fontFamily:
            '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Helvetica Neue", Arial, sans-serif',
        },
        components: { Layout: { headerBg: "#ffffff", siderBg: "#ffffff", bodyBg: "#f4f6fa" } },
      }}
    >
      <AntApp>
        <AuthProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/share" element={<Suspense fallback={<PageLoading />}><SharePage /></Suspense>} />
            <Route path="/embed/dashboards/:name" element={<Suspense fallback={<PageLoading />}><EmbedPage /></Suspense>} />
            <Route
              element={
                <RequireAuth>
                  <Suspense fallback={<PageLoading />}>
                    <AppLayout />
                  </Suspense>
                </RequireAuth>
              }
            >
              <Route index element={<Suspense fallback={<PageLoading />}><HomePage /></Suspense>} />
              <Route path="metrics" element={<Suspense fallback={<PageLoading />}><MetricsPage /></Suspense>} />
              <Route path="metrics/:name" element={<Suspense fallback={<PageLoading />}><MetricPage /></Suspense>} />
              <Route path="metrics/new/edit" element={<RequirePermission permission="content:edit"><Suspense fallback={<PageLoading />}><MetricEditorPage /></Suspense></RequirePermission>} />
              <Route path="metrics/:name/edit" element={<RequirePermission permission="content:edit"><Suspense fallback={<PageLoading />}><MetricEditorPage /></Suspense></RequirePermission>} />
              <Route path="analysis" element={<Suspense fallback={<PageLoading />}><AnalysisPage /></Suspense>} />
              <Route path="dashboards" element={<Suspense fallback={<PageLoading />}><DashboardsPage /></Suspense>} />
              <Route path="dashboards/new" element={<RequirePermission permission="content:edit"><Suspense fallback={<PageLoading />}><DashboardEditor /></Suspense></RequirePermission>} />
              <Route path="dashboards/:key" element={<Suspense fallback={<PageLoading />}><DashboardView /></Suspense>} />
              <Route path="dashboards/:key/edit" element={<RequirePermission permission="content:edit"><Suspense fallback={<PageLoading />}><DashboardEditor /></Suspense></RequirePermission>} />
              <Route path="data" element={<RequirePermission permission="data:raw"><Suspense fallback={<PageLoading />}><DataPage /></Suspense></RequirePermission>} />
              <Route path="data/tables/:name" element={<RequirePermission permission="data:raw"><Suspense fallback={<PageLoading />}><DataPage /></Suspense></RequirePermission>} />
              <Route path="data/datasets/:dataset" element={<RequirePermission permission="data:raw"><Suspense fallback={<PageLoading />}><DataPage /></Suspense></RequirePermission>} />
              <Route path="channels" element={<RequirePermission permission="channels:manage"><Suspense fallback={<PageLoading />}><ChannelsPage /></Suspense></RequirePermission>} />
              <Route path="admin/people" element={<RequirePermission permission="users:manage"><Suspense fallback={<PageLoading />}><PeoplePage /></Suspense></RequirePermission>} />
              <Route path="admin/audit" element={<RequirePermission permission="audit:view"><Suspense fallback={<PageLoading />}><AuditPage /></Suspense></RequirePermission>} />
              <Route path="alerts" element={<Suspense fallback={<PageLoading />}><AlertsPage /></Suspense>} />
              <Route path="why" element={<Suspense fallback={<PageLoading />}><WhyPage /></Suspense>} />
              <Route path="innovation/hotspots" element={<Suspense fallback={<PageLoading />}><HotspotsPage /></Suspense>} />
              <Route path="innovation/allocate" element={<Suspense fallback={<PageLoading />}><AllocatePage /></Suspense>} />
              <Route path="innovation/efficiency" element={<Suspense fallback={<PageLoading />}><EfficiencyPage /></Suspense>} />
              <Route path="innovation/assess" element={<Suspense fallback={<PageLoading />}><AssessPage /></Suspense>} />
              <Route path="dev/charts" element={<Suspense fallback={<PageLoading />}><ChartGalleryPage /></Suspense>} />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
