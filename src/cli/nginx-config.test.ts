import { parseCommandLine } from './cli-options.js';
import type { NginxOptions } from './deploy-options.js';
import { nginxConfig } from './nginx-config.js';

function options(argv: string[]): NginxOptions {
  const command = parseCommandLine(['deploy', 'nginx', ...argv]);
  if (command.name !== 'deploy-nginx') throw new Error('not deploy nginx');
  return command.options;
}

test('an upstream over the worker sockets, proxy and websocket headers, body size, static files', () => {
  const config = nginxConfig(options(['--workers', '4', '--path', '/tmp/example_{n}.sock', '--server-name', 'example.com', '--static-root', '/path/to/app/static', '--client-max-body-size', '200M']));
  expect(config).toContain(
    'upstream weft {\n    # fail_timeout=0: always retry a server, even after it failed (a worker being restarted)\n' +
      [1, 2, 3, 4].map((n) => `    server unix:/tmp/example_${n}.sock fail_timeout=0;\n`).join(''),
  );
  for (const line of [
    'listen 80;',
    'server_name example.com;',
    'client_max_body_size 200M;',
    'proxy_set_header Host $http_host;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $connection_upgrade;',
    'proxy_http_version 1.1;',
    'proxy_redirect off;',
    'proxy_buffering off;',
    'proxy_pass http://weft;',
    'location /static/ {',
    'alias /path/to/app/static/;',
    'location ~ /\\.(?!well-known(/|$)) {',
    'map $http_upgrade $connection_upgrade {',
  ]) {
    expect(config).toContain(line);
  }
  expect(config).not.toMatch(/ssl|return 301/);
  // balanced braces: nginx would reject the file otherwise
  expect(config.split('{').length).toBe(config.split('}').length);
});

test('--ssl with another --listen port redirects to that port', () => {
  const config = nginxConfig(options(['--ssl', '--ssl-certificate', '/c.pem', '--ssl-certificate-key', '/k.pem', '--listen', '8443']));
  expect(config).toContain('    return 301 https://$host:8443$request_uri;\n');
  expect(config).toContain('listen 8443 ssl http2;');
});

test('a TCP upstream by default, no static location without --static-root', () => {
  const config = nginxConfig(options([]));
  expect(config).toContain('    server 127.0.0.1:8080 fail_timeout=0;\n');
  expect(config).not.toContain('location /static');
  expect(nginxConfig(options(['--host', '::1', '--port', '9000']))).toContain('server [::1]:9000 fail_timeout=0;');
});

test('--ssl adds the HTTP to HTTPS redirect and the TLS server block', () => {
  const config = nginxConfig(options(['--ssl', '--ssl-certificate', '/etc/secrets/cert.pem', '--ssl-certificate-key', '/etc/secrets/key.pem', '--server-name', 'main']));
  expect(config).toContain('server {\n    listen 80;\n    listen [::]:80;\n    server_name main;\n    return 301 https://$host$request_uri;\n}');
  // the listen parameter, which nginx 1.22 (Debian 12) understands, not 1.25's `http2 on;`
  expect(config).toContain('listen 443 ssl http2;');
  expect(config).toContain('listen [::]:443 ssl http2;');
  expect(config).not.toContain('http2 on;');
  expect(config).toContain('ssl_certificate /etc/secrets/cert.pem;');
  expect(config).toContain('ssl_certificate_key /etc/secrets/key.pem;');
  expect(config.split('{').length).toBe(config.split('}').length);
});
