import { useEffect, useRef, type ComponentType, type MouseEvent } from 'react';
import { HashRouter, NavLink, Navigate, Route, Routes, useLocation, useParams } from 'react-router';
import { LanguageProvider, messages, type Language, useLanguage, useMessages, useVocabulary } from './i18n';
import { SessionProvider, useSession, useStaff } from './session';
import { draftsFor } from './drafts';
import { ANALYSTS, RECEIVERS, READERS, may } from './roles';
import { SignIn } from './pages/sign-in';
import { Inbox } from './pages/inbox';
import { CasePage } from './pages/case';
import { NewComplaint } from './pages/new-complaint';
import { Rectifications } from './pages/rectifications';
import { RectificationPage } from './pages/rectification';
import { Dashboard } from './pages/dashboard';
import { Appraisal } from './pages/appraisal';

const text = messages(
  {
    skip: 'Skip to content',
    inbox: 'Inbox',
    newComplaint: 'New complaint',
    rectifications: 'Rectification tracking',
    analysis: 'Analysis',
    appraisal: 'Appraisal',
    signOut: 'Sign out',
    mainNav: 'Main',
    language: 'Language',
    signedInAs: 'Signed in as {user} ({role})',
    noAccess: 'The console is for staff who handle or study complaints; your role ({role}) reads the event feed only.',
  },
  {
    skip: '跳到正文',
    inbox: '工作台',
    newComplaint: '登记投诉',
    rectifications: '整改跟踪表',
    analysis: '投诉分析',
    appraisal: '考核',
    signOut: '退出',
    mainNav: '主导航',
    language: '语言',
    signedInAs: '当前用户 {user}（{role}）',
    noAccess: '控制台供处理或分析投诉的员工使用；您的角色（{role}）只能读取事件流。',
  },
);

const LanguageSwitch = () => {
  const { language, setLanguage } = useLanguage();
  const t = useMessages(text);
  return (
    <label className="language">
      <span className="visually-hidden">{t('language')}</span>
      <select value={language} onChange={(event) => setLanguage(event.target.value as Language)} aria-label={t('language')}>
        <option value="zh">中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
};

/** A page for one thing (a case, an item, a person) starts afresh for another: no form typed for one is sent to the next. */
const PerItem = ({ page: Page }: { page: ComponentType }) => {
  const params = useParams();
  return <Page key={JSON.stringify(params)} />;
};

/** The skip link's target: a plain `#main` would be a route to the hash router. */
const skipToContent = (event: MouseEvent<HTMLAnchorElement>) => {
  event.preventDefault();
  document.getElementById('main')?.focus();
};

/**
 * Another page (not another query of the same one: filters being typed keep their focus): focus moves to its
 * content, as a page load would leave it, so a screen reader reads the new page and Tab goes on from there rather
 * than from a link that has gone.
 */
const useFocusOnNewPage = () => {
  const { pathname } = useLocation();
  const shown = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (shown.current !== undefined && shown.current !== pathname) document.getElementById('main')?.focus();
    shown.current = pathname;
  }, [pathname]);
};

const Shell = () => {
  const staff = useStaff();
  const { signOut } = useSession();
  const t = useMessages(text);
  const { word } = useVocabulary();
  useFocusOnNewPage();
  const links = [
    { to: '/', label: t('inbox'), show: may(staff.role, READERS) },
    { to: '/new', label: t('newComplaint'), show: may(staff.role, RECEIVERS) },
    { to: '/rectifications', label: t('rectifications'), show: may(staff.role, READERS) },
    { to: '/analysis', label: t('analysis'), show: may(staff.role, ANALYSTS) },
    { to: '/appraisal', label: t('appraisal'), show: may(staff.role, READERS) },
  ].filter((link) => link.show);
  return (
    <>
      <a className="skip-link" href="#main" onClick={skipToContent}>
        {t('skip')}
      </a>
      <header className="top">
        <span className="brand">Redress</span>
        <nav aria-label={t('mainNav')}>
          {links.map((link) => (
            <NavLink key={link.to} to={link.to} end={link.to === '/'}>
              {link.label}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span>{t('signedInAs', { user: staff.user, role: word(staff.role) })}</span>
          <LanguageSwitch />
          <button type="button" className="secondary" onClick={() => signOut()}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {may(staff.role, READERS) ? (
          <Routes>
            <Route path="/" element={<Inbox />} />
            <Route path="/new" element={<NewComplaint />} />
            <Route path="/cases/:id" element={<PerItem page={CasePage} />} />
            <Route path="/rectifications" element={<Rectifications />} />
            <Route path="/rectifications/:id" element={<PerItem page={RectificationPage} />} />
            <Route path="/analysis" element={<Dashboard />} />
            <Route path="/appraisal" element={<Appraisal />} />
            <Route path="/appraisal/:userId" element={<PerItem page={Appraisal} />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        ) : (
          <p className="error-notice">{t('noAccess', { role: word(staff.role) })}</p>
        )}
      </main>
    </>
  );
};

const Gate = () => {
  const { staff, signOuts } = useSession();
  if (!staff) return <SignIn languageSwitch={<LanguageSwitch />} />;
  // Keyed by who is signed in: someone else signing in (in another tab of a shared PC) starts with empty forms, not A's
  // drafts; A signing in again after the api ended the session gets them back. And by sign-outs: one seen late (a tab
  // back from the back/forward cache, the same person signed in again meanwhile) still clears what forms show.
  const identity = `${staff.user}/${staff.role}`;
  draftsFor(identity);
  return <Shell key={`${identity}#${signOuts}`} />;
};

/** Hash routes (#/cases/…): the api owns every real path, and a reload of any page still finds the console at `/`. */
export const App = () => (
  <LanguageProvider>
    <SessionProvider>
      <HashRouter>
        <Gate />
      </HashRouter>
    </SessionProvider>
  </LanguageProvider>
);
