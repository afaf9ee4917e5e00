import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../api';
import { messages, useMessages } from '../i18n';
import { staffOf, useSession } from '../session';
import { ErrorNotice } from '../components/common';

const text = messages(
  {
    title: 'Sign in to Redress',
    token: 'Access token',
    hint: 'Ask an administrator for a token, or make one on the server: npm run cli -- token --user <you> --role <role> [--department <dept>]',
    signIn: 'Sign in',
    notAToken: 'That is not an access token (three dot-separated parts, with a user and a role).',
    ended: 'You were signed out: {reason}',
  },
  {
    title: '登录 Redress',
    token: '访问令牌',
    hint: '请向管理员索取令牌，或在服务器上生成：npm run cli -- token --user <用户> --role <角色> [--department <部门>]',
    signIn: '登录',
    notAToken: '这不是访问令牌（应为以点分隔的三段，含用户和角色）。',
    ended: '您已退出登录：{reason}',
  },
);

/** Sign-in with a token (embedded mode has no identity provider): checked against the api before it is kept. */
export const SignIn = ({ languageSwitch }: { languageSwitch: ReactNode }) => {
  const { signIn, ended } = useSession();
  const t = useMessages(text);
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<Error | undefined>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!staffOf(token)) {
      setProblem(new Error(t('notAToken')));
      return;
    }
    try {
      // An authenticated read tells a good token from a forged or expired one; a role that may not read it (403) is still signed in, and told what the console is for.
      await api.get('/policies/sla', { headers: { authorization: `Bearer ${token.trim()}` } });
      signIn(token);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) signIn(token);
      else setProblem(error instanceof ApiError ? error : new Error(String(error)));
    }
  };

  return (
    <main id="main" className="sign-in">
      <div className="sign-in-box">
        <div className="sign-in-top">
          <h1>{t('title')}</h1>
          {languageSwitch}
        </div>
        {ended ? <p className="error-notice">{t('ended', { reason: ended })}</p> : null}
        <form onSubmit={(event) => void submit(event)}>
          <div className="field">
            <label htmlFor="token">{t('token')}</label>
            <textarea id="token" rows={4} value={token} onChange={(event) => setToken(event.target.value)} autoFocus spellCheck={false} />
          </div>
          <p className="hint">{t('hint')}</p>
          {problem ? <ErrorNotice error={problem} /> : null}
          <button type="submit">{t('signIn')}</button>
        </form>
      </div>
    </main>
  );
};
